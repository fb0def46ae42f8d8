"""Publishing: a master a platform accepts as it is, its chapters and description, a thumbnail
and posters, and a web embed kit of every clip."""
