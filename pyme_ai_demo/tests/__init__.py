from . import test_generator
from . import test_planted_truth
