#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that read only the code (models, translation catalogues), never data or secrets: they run in
# development mode unless DEBUG is set, so `manage.py makemigrations --check` works on a fresh checkout.
# Every other command loads the production settings by default and refuses to start without secrets.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compile_translations"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
