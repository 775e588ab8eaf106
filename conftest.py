pytest_plugins = ["claimaudit.pytest_plugin"]
