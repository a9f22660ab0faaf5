from zkdesk.cli import main

raise SystemExit(main())
