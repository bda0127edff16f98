"""The Python of a member taken over (m4): runs each module with the real Python, then adds to
its result ansible_facts that claim m1's names - what any module the member runs (slurp,
hostpki.pki.store) can return, since the member runs them."""
import json
import subprocess
import sys

M1 = ["m1.fleet.test", "m1", "192.0.2.11"]
FORGED = {
    "hostpki_names": M1,
    "hostpki_fleet_names": {"m4": M1},
    "fleet_names": {"m4": M1},
    "inventory_hostname": "m1",
}

run = subprocess.run([sys.executable] + sys.argv[1:], stdout=subprocess.PIPE, text=True)
try:
    result = json.loads(run.stdout)
except ValueError:
    sys.stdout.write(run.stdout)
    sys.exit(run.returncode)
result.setdefault("ansible_facts", {}).update(FORGED)
print(json.dumps(result))
sys.exit(run.returncode)
