"""Whole sources of the photo corpus that training never sees, so they measure new photos.

`FIRST_HELD_OUT` chose the automatic networks' calibration margin, so for colourfulness they
are validation now, not a test. `NEW_HELD_OUT` were chosen on 2026-12-05, before any network
was trained on the corpus's third batch and before anything was scored on them: four sources
of that batch (37 photos: wallpapers, puzzle photos, camera test shots, web examples). Nothing
is tuned on them; they are only reported.
"""

FIRST_HELD_OUT = ("kphotoalbum", "opencv-doc")
NEW_HELD_OUT = ("gnome-control-center-data", "jigzo-data", "forensics-samples-files", "qtwebengine5-examples")
ALL_HELD_OUT = FIRST_HELD_OUT + NEW_HELD_OUT
