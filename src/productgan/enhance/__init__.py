"""Enhancement of product photos: a configurable classical chain (classic), learned super-resolution
(sr) and learned restoration (restore), all behind `build_enhancer`."""
