#!/usr/bin/env python3
"""Writes the fleet variants of the shipped exercises (README.md here):

    python3 examples/fleet/make.py ../shared/data/scenarios examples/fleet

andorra-fleet.geojson: the Andorra exercise with its three towns as pick-up
points and 60 buses of 50 seats sent from a depot at the southern border
crossing, where the road from La Seu d'Urgell comes in; mannheim-fleet.geojson:
the Mannheim exercise with 10 gathering points and 200 buses from a depot in
Heidelberg, each district's people spread over 9 neighbourhoods (a 3 x 3
grid about 450 m by 450 m apart) who walk to the nearest of their district's
gathering points (plan it with --walk-map, a foot network from
`corridor import --walking`). Everything else (parties, rules, destinations,
checkpoints, hazards, ceasefire windows) is the exercise's own.
"""
import json
import sys
from pathlib import Path


def point(lon, lat, properties):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def variant(source, name, depot, gathering, walk=False):
    """The exercise with origins replaced by gathering points (a list per
    origin id of (dlon, dlat, share)) and one depot. With walk, the gathering
    points hold nobody and the origin's people live in 9 neighbourhoods
    around it that walk to them."""
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
        ids = [p["id"] if len(points) == 1 else f"{p['id']}-{i + 1}" for i in range(len(points))]
        if walk:
            for i, (dlon, dlat, _) in enumerate(points):
                features.append(point(round(lon + dlon, 5), round(lat + dlat, 5), {"kind": "pickup", "id": ids[i]}))
            cells = [(x, y) for y in (-0.004, 0, 0.004) for x in (-0.006, 0, 0.006)]
            left = p["people"]
            for k, (dlon, dlat) in enumerate(cells):
                people = left if k == len(cells) - 1 else p["people"] // len(cells)
                left -= people
                props = {"kind": "origin", "id": f"{p['id']}-n{k + 1}", "people": people,
                         "walk_to": ids, "walk_max_m": 3000}
                if "earliest_departure" in p:
                    props["earliest_departure"] = p["earliest_departure"]
                features.append(point(round(lon + dlon, 5), round(lat + dlat, 5), props))
            continue
        left = p["people"]
        for i, (dlon, dlat, share) in enumerate(points):
            people = left if i == len(points) - 1 else round(p["people"] * share)
            left -= people
            props = {"kind": "pickup", "id": ids[i], "people": people}
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
        walk=True,
    )
    for name, doc in (("andorra-fleet", andorra), ("mannheim-fleet", mannheim)):
        (out / f"{name}.geojson").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
