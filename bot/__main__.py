from bot.app.cli.main import main

raise SystemExit(main())
