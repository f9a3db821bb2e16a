"""Response and e-FAQ search through the agent API, with 10,000 responses and 10,000 FAQ entries.

    .venv/bin/python benchmarks/library_search.py [--responses 10000] [--faq 10000] [--rounds 4] [--slowest 0]

What it does, all on 127.0.0.1:

1. Seeds a temporary data directory with the demo directory and the demo libraries, then
   adds generated responses (in 20 system libraries granted to Sales, Support and
   Billing) and generated FAQ entries (in 4 databases) up to ``--responses`` and
   ``--faq``. Generated texts mix sentences of the demo data with product names, order
   numbers and words of a 5,000-word vocabulary drawn with Zipf frequencies, so a few
   words appear in most texts and most words in few, as in real libraries.
2. Starts the server in a separate process (same uvicorn configuration as
   ``callboard server``) and signs in as alicia (Sales and Support).
3. Searches as an agent types: for each of 24 questions agents look up ("late fee",
   "how do I return a damaged item", ...), every prefix from two characters on, in
   ``GET /api/v1/responses/search`` and ``GET /api/v1/faq/search`` (both FAQ databases
   of the demo chosen, then all), one request at a time on a kept-alive connection, and
   times each round trip on the client (HTTP included). ``--rounds`` repeats the lot;
   ``--slowest N`` also lists the N slowest searches, to see where a tail comes from.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote_plus, urlencode

from served import percentile, served

from console.server.directory import demo_data, load_directory
from console.server.faq import demo_faq, load_faq
from console.server.library_demo import load_demo_libraries
from console.server.response_library import demo_responses, load_response_library
from console.server.store import SqliteStore

QUESTIONS = [
    "late fee", "refund", "how do I return a damaged item", "reset device", "bluetooth pairing",
    "invoice copy", "volume discount", "warranty claim", "change my order", "forgot password",
    "delivery time", "update credit card", "firmware update", "charged twice", "yearly billing",
    "wifi not connecting", "serial number", "spec sheet", "track order", "cancel subscription",
    "payment declined", "trial", "opening hours", "sales tax exempt",
]


def demo_sentences() -> list[str]:
    """Every sentence of the demo's responses and FAQ: the realistic part of generated texts."""
    texts: list[str] = []
    data, _ = demo_responses()

    def walk(node: dict) -> None:
        for item in node.get("responses", []):
            texts.append(item["title"])
            texts.append(item.get("text", ""))
        for child in node.get("categories", []):
            walk(child)

    for library in data["libraries"]:
        walk(library)
    for database in demo_faq()["databases"]:
        for entry in database["entries"]:
            texts += [entry["question"], entry["answer"]]
    sentences = []
    for text in texts:
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 10]
    return sentences


class TextMaker:
    """Generated response and FAQ texts with a realistic spread of word frequencies."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sentences = demo_sentences()
        syllables = ["ka", "lo", "mi", "re", "tan", "vo", "sel", "dor", "pi", "nu", "ber", "qua", "zen", "fi", "ro"]
        words = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(8000)}
        self.vocabulary = sorted(words)[:5000]
        rng.shuffle(self.vocabulary)
        self.weights = [1 / (rank + 1) for rank in range(len(self.vocabulary))]

    def words(self, n: int) -> str:
        return " ".join(self.rng.choices(self.vocabulary, self.weights, k=n))

    def text(self, sentences: int) -> str:
        parts = []
        for _ in range(sentences):
            parts.append(self.rng.choice(self.sentences))
            if self.rng.random() < 0.5:
                parts.append(f"{self.words(self.rng.randint(4, 12)).capitalize()} for "
                             f"{self.rng.choice(['Widget', 'Gadget'])} {self.rng.choice('WG')}{self.rng.randint(1, 40)}, "
                             f"order {self.rng.randint(10000, 99999)}.")
        return " ".join(parts)

    def title(self) -> str:
        sentence = self.rng.choice(self.sentences).rstrip(".?!")
        words = sentence.split()
        start = self.rng.randint(0, max(0, len(words) - 4))
        return " ".join(words[start:start + self.rng.randint(2, 5)]).capitalize() + " " + self.words(1)


def seed(data_dir: Path, responses: int, faq_entries: int) -> tuple[int, int]:
    rng = random.Random(11)
    maker = TextMaker(rng)
    store = SqliteStore(data_dir / "callboard.sqlite3")
    load_directory(store, demo_data())
    demo_items, demo_entries = load_demo_libraries(store)
    libraries = []
    per_library = max(0, responses - demo_items) // 20
    kinds = ["message"] * 8 + ["url", "file"]
    blob = data_dir / "brochure.txt"
    blob.write_text("A brochure.\n")
    for n in range(20):
        workgroups = [["Sales"], ["Support"], ["Billing"], ["Sales", "Support", "Billing"]][n % 4]
        items = []
        for i in range(per_library + (max(0, responses - demo_items) % 20 if n == 0 else 0)):
            kind = rng.choice(kinds)
            item = {"kind": kind, "title": maker.title(), "text": maker.text(rng.randint(1, 4))}
            if rng.random() < 0.2:
                item["shortcut"] = f"g{n}-{i}"
            if kind == "url":
                item["url"] = f"https://www.kestrel-devices.example/kb/{n}/{i}"
            elif kind == "file":
                item["file"] = "brochure.txt"
            items.append(item)
        libraries.append({"name": f"Library {n + 1:02}", "workgroups": workgroups, "responses": items})
    added_responses = load_response_library(store, {"libraries": libraries}, data_dir) + demo_items
    databases = []
    remaining = max(0, faq_entries - demo_entries)
    for n in range(4):
        count = remaining // 4 + (remaining % 4 if n == 0 else 0)
        databases.append({"name": f"Knowledge base {n + 1}", "entries": [
            {"question": maker.title().rstrip() + "?", "answer": maker.text(rng.randint(2, 5))} for _ in range(count)
        ]})
    added_entries = load_faq(store, {"databases": databases}) + demo_entries
    store.close()
    return added_responses, added_entries


def typed(question: str) -> list[str]:
    """What the search box holds after each keystroke, from two characters on."""
    return [question[:n] for n in range(2, len(question) + 1) if not question[:n].endswith(" ")]


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="callboard-bench-") as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        responses, entries = seed(data_dir, args.responses, args.faq)
        print(f"seeded {responses} responses and {entries} FAQ entries in {time.perf_counter() - started:.1f} s")
        async with served(data_dir) as server:
            http = server.http
            login = await http.request("POST", "/api/v1/session", json={"username": "alicia", "password": "demo"})
            auth = {"Authorization": f"Bearer {login.json()['token']}"}
            demo_databases = [d["id"] for d in (await http.request("GET", "/api/v1/faq/databases", headers=auth)).json()
                              if not d["name"].startswith("Knowledge base")]
            searches: list[tuple[str, str]] = []
            for question in QUESTIONS:
                for text in typed(question):
                    searches.append(("responses", "/api/v1/responses/search?" + urlencode({"q": text})))
                    searches.append(("faq (demo databases)", "/api/v1/faq/search?" + urlencode(
                        {"q": text, "databases": ",".join(map(str, demo_databases))})))
                    searches.append(("faq (all databases)", "/api/v1/faq/search?" + urlencode({"q": text})))
            for path in (p for _, p in searches[:60]):  # warm up: caches, the first connection
                await http.request("GET", path, headers=auth)
            durations: dict[str, list[float]] = {}
            timed: list[tuple[float, str]] = []
            hits = 0
            cpu_before = server.cpu_seconds()
            for _ in range(args.rounds):
                for what, path in searches:
                    begun = time.perf_counter()
                    answer = await http.request("GET", path, headers=auth)
                    took = time.perf_counter() - begun
                    durations.setdefault(what, []).append(took)
                    timed.append((took, path))
                    if answer.status_code != 200:
                        raise SystemExit(f"{path} -> {answer.status_code} {answer.text}")
                    hits += len(json.loads(answer.content))
            server_cpu = server.cpu_seconds() - cpu_before
            everything = [d for values in durations.values() for d in values]
            print(f"{len(everything)} searches as agents type ({len(QUESTIONS)} questions, every prefix from "
                  f"2 characters), one at a time, {hits / len(everything):.1f} results each on average:")
            for what, values in [*durations.items(), ("all searches", everything)]:
                print(f"  {what:<22} p50 {percentile(values, 50) * 1000:.2f} ms, "
                      f"p99 {percentile(values, 99) * 1000:.2f} ms, max {max(values) * 1000:.2f} ms "
                      f"({len(values)} searches)")
            print(f"  server CPU per search {server_cpu / len(everything) * 1000:.2f} ms")
            if args.slowest:
                print(f"slowest {args.slowest}:")
                for took, path in sorted(timed, reverse=True)[:args.slowest]:
                    print(f"  {took * 1000:6.2f} ms  {unquote_plus(path)}")
            print(f"server RSS {server.rss_mib():.0f} MiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--faq", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest searches")
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
