//! Seed 000's journey: the six versions render the same page from real HTTP
//! responses.

#[allow(dead_code)]
#[path = "../examples/seeds/mod.rs"]
mod seeds;

const PAGE: &str = "<h1>Ada Lovelace</h1>
<p>interests: engines, poetry</p>
<li>engines: The Difference Engine; Notes on the Analytical Engine</li>
<li>poetry: Childe Harold; She Walks in Beauty</li>
";

#[test]
fn all_six_ways_render_the_same_page_over_http() {
    let transcript = seeds::journey::journey();
    let mut expected = String::new();
    for (name, _) in seeds::journey::WAYS {
        expected += &format!("[{name}]\n{PAGE}");
    }
    assert_eq!(transcript, expected);
}
