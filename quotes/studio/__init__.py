"""The round trip through Label Studio: a local server, push, pull and export, and the live backend.

Modules, one job each:

- `settings`: environment variables, the `.studio/` folder, credentials;
- `server`: install, start, stop and check the local Label Studio server;
- `labelconfig`: the labeling interface, generated from the rules' labels and checked;
- `convert`: quote rows <-> Label Studio results, pure (no SDK), and the task score;
- `adapter`: the only module that imports the Label Studio SDK;
- `sync`: push (idempotent, resumable) and pull, over the adapter;
- `backend`: the live ML backend's HTTP protocol (`quotes studio serve-model`); `model` predicts with the
  rules version in use; `versions` keeps the versions, the corrections and the history in its folder;
  `connect` wires a project to it;
- the commands (`studio`, `push`, `pull`, `export`) are in `quotes/cli/studio.py`.

In: quote rows and documents (push), a project's annotations (pull), Label Studio's requests (the backend).
Out: tasks with predictions on the server, corrections as gold and quote rows, predictions on request. It
must not import learning, the bench, the report or the CLI: the backend learns through the `Learner` it is
given (`backend.Learner`), which the CLI makes from `learning.live`; learning may import this package, so
the loop goes one way.
"""
