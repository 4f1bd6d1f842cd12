"""Edit, create and delete Workfront objects of several types through the API, from its own process.

    python tests/mirror/editor.py BASE_URL API_KEY SECONDS SEED

Used by the mirror tests as "another user" working in Workfront while the mirror runs: it goes
through the Workfront API itself (so the journal and deletes are as Workfront makes them), at a
steady rate, and prints a JSON line of what it did when its time is up.
"""

from __future__ import annotations

import json
import random
import sys
import time

import httpx

API = "/attask/api/v21.0"


def main(base_url: str, api_key: str, seconds: float, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    done = {"edits": 0, "creates": 0, "deletes": 0, "custom": 0, "errors": 0}
    with httpx.Client(base_url=base_url + API, headers={"apiKey": api_key}, timeout=30) as wf:

        def ids(code: str) -> list[str]:
            rows = wf.get(f"/{code}/search", params={"fields": "ID", "$$LIMIT": 2000}).json()["data"]
            return [r["ID"] for r in rows]

        projects = ids("PROJ")
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            n += 1
            try:
                choice = rng.random()
                if choice < 0.35:  # edit a task, an issue or a project, sometimes a custom field
                    code = rng.choice(["TASK", "OPTASK", "PROJ", "PORT"])
                    target = rng.choice(ids(code))
                    updates = {"description": f"edit {n}"}
                    if code == "TASK" and rng.random() < 0.5:
                        updates = {"DE:Effort": rng.choice(["S", "M", "L", "XL"])}
                        done["custom"] += 1
                    elif code == "PROJ" and rng.random() < 0.5:
                        updates = {"DE:Budget": rng.randint(1000, 90000)}
                        done["custom"] += 1
                    wf.put(f"/{code}/{target}", params={"updates": json.dumps(updates)}).raise_for_status()
                    done["edits"] += 1
                elif choice < 0.65:  # create a task, a note or an hour
                    code = rng.choice(["TASK", "NOTE", "HOUR"])
                    project = rng.choice(projects)
                    body = {"TASK": {"name": f"new task {n}", "projectID": project},
                            "NOTE": {"noteText": f"note {n}", "noteObjCode": "PROJ", "objID": project,
                                     "projectID": project},
                            "HOUR": {"hours": 1.5, "projectID": project}}[code]
                    wf.post(f"/{code}", params={"updates": json.dumps(body)}).raise_for_status()
                    done["creates"] += 1
                else:  # delete a task, a note, an hour or an assignment
                    code = rng.choice(["TASK", "NOTE", "HOUR", "ASSGN"])
                    existing = ids(code)
                    if existing:
                        wf.delete(f"/{code}/{rng.choice(existing)}", params={"force": "true"}).raise_for_status()
                        done["deletes"] += 1
            except httpx.HTTPError:
                done["errors"] += 1
            time.sleep(0.05)
    return done


if __name__ == "__main__":
    url, key, secs, random_seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(main(url, key, secs, random_seed)), flush=True)
