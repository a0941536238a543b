use std::collections::HashMap;
use std::process::ExitCode;

use clap::Parser;
use zhiku::cli::{self, Cli};

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let env: HashMap<String, String> = std::env::vars().collect();
    let result = match cli.settings(&env) {
        Ok(settings) => {
            zhiku::telemetry::init(settings.log_json);
            cli::run(cli, settings).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
