#!/usr/bin/env python3
"""Command-line entry point of the knowledge base: `python build.py --help`."""

import sys

from knowledge_base.cli import main

if __name__ == "__main__":
    sys.exit(main())
