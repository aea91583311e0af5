// Seed 003's bookingTransaction: each completed step registers its undo;
// the payment fails, so the undos run newest first; the car's undo fails,
// is reported, and the others still run.
const { stamp, call, runEnhanced } = require("./_saga");

function* bookingTransaction(details) {
  const compensations = [];
  try {
    const flight = yield call(reserveFlight, details.flight);
    compensations.push(() => cancelFlight(flight.id));
    const hotel = yield call(reserveHotel, details.hotel);
    compensations.push(() => cancelHotel(hotel.id));
    const car = yield call(reserveCar, details.car);
    compensations.push(() => cancelCar(car.id));
    const payment = yield call(chargePayment, details.payment);
    compensations.push(() => refundPayment(payment.id));
    return { flight, hotel, car, payment, status: "confirmed" };
  } catch (err) {
    stamp(`Booking failed: ${err.message}. Running compensations...`);
    for (let i = compensations.length - 1; i >= 0; i--) {
      try {
        yield call(compensations[i]);
      } catch (compErr) {
        stamp(`Compensation ${i} failed: ${compErr.message}`);
      }
    }
    throw new Error(`Booking failed and rolled back: ${err.message}`);
  }
}

const reserved = (id) => { stamp(`reserved ${id}`); return Promise.resolve({ id }); };
function reserveFlight(d) { return reserved("FL-001"); }
function reserveHotel(d) { return reserved("HT-001"); }
function reserveCar(d) { return reserved("CR-001"); }
function chargePayment(d) { return Promise.reject(new Error("Card declined")); }
function cancelFlight(id) { stamp(`cancelled ${id}`); return Promise.resolve(); }
function cancelHotel(id) { stamp(`cancelled ${id}`); return Promise.resolve(); }
function cancelCar(id) { return Promise.reject(new Error(`cannot cancel ${id}: desk closed`)); }
function refundPayment(id) { stamp(`refunded ${id}`); return Promise.resolve(); }

runEnhanced(bookingTransaction, { flight: "LHR-JFK", hotel: "NYC", car: "SUV", payment: "card" })
  .then((b) => stamp("booked: " + b.status), (e) => stamp("rejected: " + e.message));
