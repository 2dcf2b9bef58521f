"""What every training loop is built from, so the four loops (GAN, enhancer, domain classifier,
latent encoder) stop, report, survive a kill and describe their run the same way.

  budget.py      Budget (kimg | steps | epochs | minutes, whichever ends first) and Usage, what a run has spent
  progress.py    BudgetProgress: a bar on a terminal, log lines elsewhere, percentage and ETA toward the budget
  stop.py        GracefulStop: SIGTERM or Ctrl-C ends the loop quietly, so the caller writes its checkpoint
  run_config.py  write_run_config: the run folder's config.json (config + code version), one schema
  run_log.py     RunLog: metrics.jsonl (and TensorBoard) lines, truncated on resume to the checkpoint
  resume.py      which settings a resumed run was given differently from its checkpoint; catalog_location

The device is productgan.device.resolve_device, shared with every command. Nothing here imports a loop.
"""

from productgan.loop_kit.budget import Budget, Usage
from productgan.loop_kit.progress import BudgetProgress
from productgan.loop_kit.resume import catalog_location, chosen_settings, resume_conflicts
from productgan.loop_kit.run_config import RUN_CONFIG_NAME, write_run_config
from productgan.loop_kit.run_log import RunLog, read_metrics
from productgan.loop_kit.stop import GracefulStop, Terminated, stop_reason

__all__ = ["RUN_CONFIG_NAME", "Budget", "BudgetProgress", "GracefulStop", "RunLog", "Terminated", "Usage",
           "catalog_location", "chosen_settings", "read_metrics", "resume_conflicts", "stop_reason", "write_run_config"]
