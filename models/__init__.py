"""The shipped networks (`<name>.safetensors` with its `<name>.json` model card), installed as
the package data `ideepcolor_app.models`; find them with `ideepcolor_app.bundled.models_dir()`."""
