import sys
from pathlib import Path

# Tests run against the in-tree package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
