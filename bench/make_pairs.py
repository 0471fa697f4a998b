#!/usr/bin/env python3
"""Writes N random route pairs inside a bounding box, for `corridor route --pairs`:

    python3 bench/make_pairs.py 9.10,45.42,9.26,45.53 10000 > milan-pairs.csv

Points are uniform in the box (fixed seed 42: the same file on every run);
a point far from any road answers NoSegment.
"""
import random
import sys


def main():
    lon0, lat0, lon1, lat1 = (float(x) for x in sys.argv[1].split(","))
    n = int(sys.argv[2])
    rng = random.Random(42)
    print("from_lon,from_lat,to_lon,to_lat")
    for _ in range(n):
        a = (rng.uniform(lon0, lon1), rng.uniform(lat0, lat1))
        b = (rng.uniform(lon0, lon1), rng.uniform(lat0, lat1))
        print(f"{a[0]:.6f},{a[1]:.6f},{b[0]:.6f},{b[1]:.6f}")


if __name__ == "__main__":
    main()
