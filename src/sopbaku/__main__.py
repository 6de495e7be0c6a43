"""``python -m sopbaku``: the same command line as the ``sopbaku`` console script."""

from sopbaku.cli import main

if __name__ == "__main__":
    main()
