from doctor.launch import main

raise SystemExit(main())
