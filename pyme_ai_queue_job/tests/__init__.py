from . import test_capability_jobs, test_jobs
