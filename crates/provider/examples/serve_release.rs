//! A bare provider for measurements in a release build, without the xtask around it:
//! `cargo run --release -p sb-provider --example serve_release -- 18080`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args().nth(1).map_or(Ok(8080), |p| p.parse())?;
    let provider = sb_provider::start(
        sb_provider::Config::default(),
        std::net::SocketAddr::from(([127, 0, 0, 1], port)),
    )
    .await?;
    println!("{}", provider.base_url());
    tokio::signal::ctrl_c().await?;
    provider.shutdown().await;
    Ok(())
}
