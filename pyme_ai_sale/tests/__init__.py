from . import test_rfm_segments
