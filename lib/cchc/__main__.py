from cchc.cli import main

if __name__ == "__main__":  # guarded: a spawned worker process re-imports this module
    raise SystemExit(main())
