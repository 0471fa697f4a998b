#!/usr/bin/env python3
"""Helpers for the peer router benchmarks (Python 3 stdlib only; needs `osmium`).

  pairs.py gen PBF MINLON MINLAT MAXLON MAXLAT N SEED   > pairs.csv
      N random origin/destination pairs (fixed SEED).  Candidate points are OSM
      junction nodes (shared by >=2 car-routable highway ways) inside the bbox,
      so they are graph vertices both for Routino and for osm2pgrouting.
  pairs.py hazard-split PBF MINLON MINLAT MAXLON MAXLAT OUT.opl
      Copy of the extract in which every highway segment intersecting the
      envelope is deleted (ways are split around it); for preprocessing-time
      avoidance in routers without per-query polygon support.
  pairs.py time-routino PAIRS DIR PREFIX OUT.csv [extra router args...]
      One routino-router process per pair; wall time per process (start included).
  pairs.py stats CSV
      median / mean / p95 / min / max of ms over rows with ok=1.
"""
import csv, os, random, statistics, subprocess, sys, time

CAR_HW = {
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
    "residential", "living_street",
}
NO_ACCESS = {"no", "private"}


def opl_lines(pbf):
    p = subprocess.Popen(["osmium", "cat", pbf, "-f", "opl", "-o", "-"],
                         stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
    for line in p.stdout:
        yield line.rstrip("\n")
    if p.wait() != 0:
        sys.exit("osmium failed")


def parse_tags(tok):
    tags = {}
    if len(tok) > 1:
        for kv in tok[1:].split(","):
            k, _, v = kv.partition("=")
            tags[k] = v
    return tags


def split_line(line):
    toks = line.split(" ")
    d = {t[0]: t[1:] for t in toks[1:] if t}
    return toks, d


def is_car_way(tags):
    if tags.get("highway") not in CAR_HW or tags.get("area") == "yes":
        return False
    for k in ("access", "motor_vehicle", "motorcar", "vehicle"):
        if tags.get(k) in NO_ACCESS:
            return False
    return True


def cmd_gen(pbf, minlon, minlat, maxlon, maxlat, n, seed):
    minlon, minlat, maxlon, maxlat = map(float, (minlon, minlat, maxlon, maxlat))
    coords, use = {}, {}
    for line in opl_lines(pbf):
        if not line:
            continue
        t = line[0]
        if t == "n":
            toks, d = split_line(line)
            if d.get("x"):
                coords[int(toks[0][1:])] = (d["x"], d["y"])
        elif t == "w":
            toks, d = split_line(line)
            if not is_car_way(parse_tags("T" + d.get("T", ""))):
                continue
            refs = [int(r[1:]) for r in d.get("N", "").split(",") if r]
            for r in set(refs):
                use[r] = use.get(r, 0) + 1
    cands = []
    for nid in sorted(use):
        if use[nid] >= 2 and nid in coords:
            x, y = coords[nid]
            if minlon <= float(x) <= maxlon and minlat <= float(y) <= maxlat:
                cands.append((nid, x, y))
    rng = random.Random(int(seed))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["idx", "lon1", "lat1", "lon2", "lat2", "node1", "node2"])
    for i in range(int(n)):
        a, b = rng.sample(cands, 2)
        w.writerow([i, a[1], a[2], b[1], b[2], a[0], b[0]])
    print(f"# {len(cands)} candidate junction nodes", file=sys.stderr)


def seg_hits_box(x0, y0, x1, y1, bx0, by0, bx1, by1):
    """Liang-Barsky: does segment (x0,y0)-(x1,y1) touch the closed box?"""
    t0, t1 = 0.0, 1.0
    dx, dy = x1 - x0, y1 - y0
    for p, q in ((-dx, x0 - bx0), (dx, bx1 - x0), (-dy, y0 - by0), (dy, by1 - y0)):
        if p == 0:
            if q < 0:
                return False
        else:
            r = q / p
            if p < 0:
                if r > t1:
                    return False
                t0 = max(t0, r)
            else:
                if r < t0:
                    return False
                t1 = min(t1, r)
    return True


def cmd_hazard_split(pbf, minlon, minlat, maxlon, maxlat, out):
    box = tuple(map(float, (minlon, minlat, maxlon, maxlat)))
    coords = {}
    next_id = 2_000_000_000  # fits Routino 32-bit way ids
    removed = split = 0
    with open(out, "w") as f:
        for line in opl_lines(pbf):
            if line.startswith("n"):
                toks, d = split_line(line)
                if d.get("x"):
                    coords[int(toks[0][1:])] = (float(d["x"]), float(d["y"]))
                f.write(line + "\n")
            elif line.startswith("w"):
                toks, d = split_line(line)
                tags = parse_tags("T" + d.get("T", ""))
                refs = [r for r in d.get("N", "").split(",") if r]
                if "highway" not in tags or len(refs) < 2:
                    f.write(line + "\n")
                    continue
                pieces, cur = [], [refs[0]]
                for a, b in zip(refs, refs[1:]):
                    pa, pb = coords.get(int(a[1:])), coords.get(int(b[1:]))
                    if pa and pb and seg_hits_box(*pa, *pb, *box):
                        removed += 1
                        if len(cur) >= 2:
                            pieces.append(cur)
                        cur = [b]
                    else:
                        cur.append(b)
                if len(cur) >= 2:
                    pieces.append(cur)
                if len(pieces) == 1 and len(pieces[0]) == len(refs):
                    f.write(line + "\n")
                    continue
                split += 1
                for k, piece in enumerate(pieces):
                    nt = list(toks)
                    if k > 0:
                        nt[0] = f"w{next_id}"
                        next_id += 1
                    nt = [("N" + ",".join(piece)) if t.startswith("N") else t for t in nt]
                    f.write(" ".join(nt) + "\n")
            else:
                f.write(line + "\n")
    print(f"# removed {removed} segments, split/dropped {split} ways", file=sys.stderr)


def cmd_time_routino(pairs, ddir, prefix, out, *extra):
    timeout = float(os.environ.get("QUERY_TIMEOUT", "60"))
    rows = list(csv.DictReader(open(pairs)))
    base = ["routino-router", f"--dir={ddir}", f"--prefix={prefix}"] + list(extra)
    def run(r):
        cmd = base + [f"--lon1={r['lon1']}", f"--lat1={r['lat1']}",
                      f"--lon2={r['lon2']}", f"--lat2={r['lat2']}"]
        t = time.perf_counter()
        try:
            rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            rc = -9
        return (time.perf_counter() - t) * 1000.0, rc
    run(rows[0])  # warm-up (page cache), not recorded
    with open(out, "w") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["idx", "ms", "ok", "rc"])
        for r in rows:
            ms, rc = run(r)
            w.writerow([r["idx"], f"{ms:.3f}", int(rc == 0), rc])


def cmd_stats(path):
    rows = list(csv.DictReader(open(path)))
    ok = [float(r["ms"]) for r in rows if r["ok"] == "1"]
    allms = [float(r["ms"]) for r in rows]
    if not ok:
        print(f"n={len(rows)} ok=0"); return
    ok.sort()
    p95 = ok[min(len(ok) - 1, int(round(0.95 * (len(ok) - 1))))]
    print(f"n={len(rows)} ok={len(ok)} median_ms={statistics.median(ok):.2f} "
          f"mean_ms={statistics.mean(ok):.2f} p95_ms={p95:.2f} min_ms={ok[0]:.2f} "
          f"max_ms={ok[-1]:.2f} mean_all_ms={statistics.mean(allms):.2f}")


if __name__ == "__main__":
    cmds = {"gen": cmd_gen, "hazard-split": cmd_hazard_split,
            "time-routino": cmd_time_routino, "stats": cmd_stats}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
