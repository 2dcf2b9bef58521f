"""Enhancement of product photos: only the classical steps a photo's measures call for (auto,
assess.py + auto.py), a configurable classical chain (classic), learned super-resolution (sr) and
learned restoration (restore), all behind `build_enhancer`."""
