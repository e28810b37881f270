from trackmeta.cli import entry

entry()
