from config.formats.day_first import *  # noqa: F403
