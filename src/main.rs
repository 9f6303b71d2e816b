//! The `kliento` command: parses arguments, calls the library, renders results, picks the exit
//! code. Everything that prints or exits lives under `cli/`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
