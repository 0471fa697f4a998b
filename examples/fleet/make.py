#!/usr/bin/env python3
"""Writes the fleet variants of the shipped exercises (README.md here):

    python3 examples/fleet/make.py ../shared/data/scenarios examples/fleet

andorra-fleet.geojson: the Andorra exercise with its three towns as pick-up
points and 60 buses of 50 seats sent from a depot at the southern border
crossing, where the road from La Seu d'Urgell comes in; mannheim-fleet.geojson: the Mannheim exercise with
its districts' people at 10 gathering points and 200 buses from a depot in
Heidelberg. Everything else (parties, rules, destinations, checkpoints,
hazards, ceasefire windows) is the exercise's own.
"""
import json
import sys
from pathlib import Path


def point(lon, lat, properties):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def variant(source, name, depot, gathering):
    """The exercise with origins replaced by gathering points (a list per
    origin id of (dlon, dlat, share)) and one depot."""
    doc = json.loads(source.read_text())
    doc["corridor"]["name"] += " (fleet)"
    features = []
    for f in doc["features"]:
        p = f["properties"]
        if p["kind"] != "origin":
            features.append(f)
            continue
        lon, lat = f["geometry"]["coordinates"]
        points = gathering[p["id"]]
        left = p["people"]
        for i, (dlon, dlat, share) in enumerate(points):
            people = left if i == len(points) - 1 else round(p["people"] * share)
            left -= people
            props = {"kind": "pickup", "id": p["id"] if len(points) == 1 else f"{p['id']}-{i + 1}", "people": people}
            if "earliest_departure" in p:
                props["earliest"] = p["earliest_departure"]
            features.append(point(round(lon + dlon, 5), round(lat + dlat, 5), props))
    features.insert(0, point(depot[0], depot[1], depot[2]))
    doc["features"] = features
    doc["name"] = name
    return doc


def main():
    shared, out = Path(sys.argv[1]), Path(sys.argv[2])
    andorra = variant(
        shared / "andorra-exercise.geojson",
        "andorra-fleet",
        (1.4599, 42.4410, {"kind": "depot", "id": "la-seu-depot", "vehicles": 60, "seats": 50, "load_min": 10,
                           "unload_min": 5, "cargo_t": 2, "controlled_by": "M"}),
        {"andorra-la-vella": [(0, 0, 1)], "escaldes": [(0, 0, 1)], "encamp": [(0, 0, 1)]},
    )
    mannheim = variant(
        shared / "mannheim-exercise.geojson",
        "mannheim-fleet",
        (8.6600, 49.4100, {"kind": "depot", "id": "heidelberg-depot", "vehicles": 200, "seats": 50,
                           "load_min": 10, "unload_min": 5, "cargo_t": 2, "controlled_by": "M"}),
        {
            "innenstadt": [(-0.004, 0.002, 0.25), (0.004, 0.002, 0.25), (-0.004, -0.003, 0.25), (0.004, -0.003, 0.25)],
            "neckarstadt": [(-0.005, 0.001, 0.35), (0.005, 0.002, 0.35), (0.0, 0.006, 0.3)],
            "lindenhof": [(-0.004, 0.0, 0.35), (0.003, 0.002, 0.35), (0.0, -0.004, 0.3)],
        },
    )
    for name, doc in (("andorra-fleet", andorra), ("mannheim-fleet", mannheim)):
        (out / f"{name}.geojson").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
