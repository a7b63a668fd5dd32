"""Where the desk's data lives: the one engine factory, migrations, the scan store."""
