"""The round trip through Label Studio: a local server, push, pull and export.

Modules, one job each:

- `settings`: environment variables, the `.studio/` folder, credentials;
- `server`: install, start, stop and check the local Label Studio server;
- `labelconfig`: the labeling interface, generated from the rules' labels and checked;
- `convert`: quote rows <-> Label Studio results, pure (no SDK);
- `adapter`: the only module that imports the Label Studio SDK;
- `sync`: push (idempotent, resumable) and pull, over the adapter;
- the commands (`studio`, `push`, `pull`, `export`) are in `quotes/cli/studio.py`.

In: quote rows and documents (push), a project's annotations (pull). Out: tasks with predictions on the
server, corrections as gold and quote rows. It must not import learning, the bench, the report or the CLI.
"""
