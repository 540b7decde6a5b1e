"""`python -m service` is the `sohoa` command."""

from service.cli import main

main()
