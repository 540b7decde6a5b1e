"""`python -m service` is the `sohoa` command."""

from service.entry import main

main()
