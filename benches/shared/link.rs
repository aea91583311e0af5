//! A floor's promise cell: baton's cell size when the floors were first
//! measured (72 bytes since; V8's is 48 bytes plus a reaction).

#[repr(C)]
pub struct Link {
    pub value: u64,
    pub handler: fn(u64) -> u64,
    pub rest: [u64; 8],
}

pub fn add_one(v: u64) -> u64 {
    v + 1
}
