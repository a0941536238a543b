//! The web app is embedded from `frontend/dist` in release builds. When the
//! frontend has not been built, an empty folder keeps `cargo build` working
//! (the server then explains how to build it).

fn main() {
    let dist = std::path::Path::new("frontend/dist");
    if !dist.exists() {
        let _ = std::fs::create_dir_all(dist);
    }
    println!("cargo:rerun-if-changed=frontend/dist");
}
