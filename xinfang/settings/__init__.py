"""Settings modules: ``base`` (shared, read from the environment), ``local`` (a developer's machine and the
demo), ``test`` (the suite) and ``production`` (refuses to start without real secrets)."""
