"""The `mediadesk` command line (`main`) and its subcommands, one module each."""
