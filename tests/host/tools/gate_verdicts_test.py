#!/usr/bin/env python3
"""How the proof gate reads Frama-C's output, and how the mutation gate reads
the proof gate's (tools/prove.py, tools/mutants.py). The lines are WP's and
prove.py's own, as they appear in build/prove and build/mutants logs: a
misreading here would let a goal pass unproved or count a mutant as killed
when the prover never answered."""
import argparse
import collections
import pathlib
import sys
import unittest

TOOLS = pathlib.Path(__file__).resolve().parents[3] / "tools"
sys.path.insert(0, str(TOOLS))

import mutants  # noqa: E402
import prove  # noqa: E402


def parse(lines):
    per = collections.defaultdict(lambda: {"time": 0.0})
    failed, problems = [], []
    prove.parse(lines, per, lambda goal: "f", failed, problems)
    return failed, problems


class ProveParse(unittest.TestCase):
    def test_valid_goal_is_no_failure(self):
        failed, problems = parse([
            "[wp] [CVC4 1.8] Goal typed_fork_build_vm_assert : Valid (Qed:45ms) (80ms) (30180)"])
        self.assertEqual((failed, problems), ([], []))

    def test_step_limit_is_a_failure_with_its_prover(self):
        failed, _ = parse([
            "[wp] [CVC4 1.8] Goal typed_lwp_tid_alloc_locked_found_ensures_tid_added : "
            "Step limit (Qed:91ms) (1000000)"])
        self.assertEqual(failed, ["typed_lwp_tid_alloc_locked_found_ensures_tid_added: "
                                  "CVC4 1.8: Step limit (Qed:91ms) (1000000)"])

    def test_timeout_is_a_failure(self):
        failed, _ = parse(["[wp] [CVC4 1.8] Goal typed_g : Timeout (Qed:1s) (60s)"])
        self.assertEqual(failed, ["typed_g: CVC4 1.8: Timeout (Qed:1s) (60s)"])

    def test_failed_smoke_test_carries_its_verdict_and_warns(self):
        failed, problems = parse([
            "[wp] [Failed] Smoke-test typed_lwp_leave_locked_wp_smoke_others_remain_assumes",
            "       Qed: Valid (2ms)",
            "[wp] kernel/verified/charge.c:130: Warning: Failed smoke-test",
            "[wp] [Passed] Smoke-test typed_lwp_leave_locked_wp_smoke_last_assumes"])
        self.assertEqual(len(failed), 1)
        self.assertTrue(failed[0].startswith(
            "typed_lwp_leave_locked_wp_smoke_others_remain_assumes: smoke test Failed"))
        self.assertTrue(failed[0].endswith(": Qed: Valid (2ms)"))
        # The warning is a problem, quoted without the next smoke test's line.
        self.assertEqual(problems, ["[wp] kernel/verified/charge.c:130: Warning: "
                                    "Failed smoke-test"])

    def test_passed_smoke_test_is_no_failure(self):
        self.assertEqual(parse(["[wp] [Passed] Smoke-test typed_f_wp_smoke_default_requires"]),
                         ([], []))


def not_proved(goal, verdict):
    """prove.py's report of goal, from WP's line for it (verdict: what
    follows the colon there, prover first)."""
    prover, result = verdict.split(": ", 1)
    failed, _ = parse([f"[wp] [{prover}] Goal {goal} : {result}"])
    return f"f  0 / 1  <-- NOT PROVED\nNOT PROVED: {failed[0]}\nProved goals: 0 / 1\n"


class GoalVerdict(unittest.TestCase):
    GOAL = "typed_fork1_core_ensures_group_unlocked"

    def verdict(self, text, code=1):
        return mutants.goal_verdict(code, text, "fork1_core", "group_unlocked")

    def test_step_limit_and_unknown_refute(self):
        for v in ("CVC4 1.8: Step limit (Qed:1s) (1000000)", "CVC4 1.8: Unknown (Qed:30ms)",
                  "CVC4 1.8: Step limit (Qed:1s) (1000000) (cached)"):
            self.assertEqual(self.verdict(not_proved(self.GOAL, v)), "refuted", v)

    def test_timeout_or_failure_is_asked_again_not_a_kill(self):
        for v in ("CVC4 1.8: Timeout (Qed:1s) (60s)", "CVC4 1.8: Failed (Qed:1s)"):
            self.assertEqual(self.verdict(not_proved(self.GOAL, v)), "again", v)
        # Several provers' answers after WP's [Failed] line: one failure is enough.
        text = (f"NOT PROVED: {self.GOAL}: Z3 4.8.12: Timeout (Qed:30ms) (10s); "
                "CVC4 1.8: Unknown (Qed:30ms)\n")
        self.assertEqual(self.verdict(text), "again")

    def test_a_valid_answer_among_others_is_not_a_refutation(self):
        text = f"NOT PROVED: {self.GOAL}: CVC4 1.8: Unknown (1s); CVC5 1.0.3: Valid (1s)\n"
        self.assertNotIn(self.verdict(text), ("refuted", "again", "proved"))

    def test_proved_needs_status_0_and_every_goal(self):
        self.assertEqual(self.verdict("Proved goals: 1 / 1\n", code=0), "proved")
        self.assertNotEqual(self.verdict("Proved goals: 1 / 1\n", code=1), "proved")
        self.assertNotEqual(self.verdict("Proved goals: 0 / 0\n", code=0), "proved")
        self.assertNotEqual(self.verdict("Proved goals: 1 / 2\n", code=0), "proved")

    def test_another_goal_is_no_such_goal(self):
        text = not_proved("typed_fork1_core_ensures_restart_iff_signal",
                          "CVC4 1.8: Step limit (Qed:1s) (1000000)")
        self.assertEqual(self.verdict(text), "no such goal")

    def test_a_problem_is_never_a_kill(self):
        text = not_proved(self.GOAL, "CVC4 1.8: Step limit (Qed:1s) (1000000)")
        self.assertEqual(self.verdict("PROBLEM: frama-c exited with status 1\n" + text),
                         "a problem (see the log)")


class ProveGoalRetry(unittest.TestCase):
    """A failure or a timeout is asked once more without the cache; only
    that answer counts."""
    REFUTED = not_proved(GoalVerdict.GOAL, "CVC4 1.8: Step limit (Qed:1s) (1000000)")
    TIMEOUT = not_proved(GoalVerdict.GOAL, "CVC4 1.8: Timeout (Qed:1s) (60s)")

    def prove(self, *outputs):
        calls, answers = [], list(outputs)
        saved = mutants.run
        mutants.run = lambda cmd, cwd, log: (calls.append(cmd), (1, answers.pop(0)))[1]
        try:
            return mutants.prove_goal("src", "fork1_core", "group_unlocked", "log"), calls
        finally:
            mutants.run = saved

    def test_refuted_at_once_is_asked_once(self):
        verdict, calls = self.prove(self.REFUTED)
        self.assertEqual((verdict, len(calls)), ("refuted", 1))

    def test_asked_again_without_the_cache(self):
        verdict, calls = self.prove(self.TIMEOUT, self.REFUTED)
        self.assertEqual((verdict, len(calls)), ("refuted", 2))
        self.assertNotIn("--no-cache", calls[0])
        self.assertEqual(calls[1][-1], "--no-cache")

    def test_no_answer_twice_is_not_a_kill(self):
        verdict, calls = self.prove(self.TIMEOUT, self.TIMEOUT)
        self.assertEqual(len(calls), 2)
        self.assertNotIn(verdict, ("refuted", "proved", "again"))


def smoke_failed(test, *detail):
    """prove.py's report of a failed smoke test, from WP's lines for it."""
    failed, _ = parse([f"[wp] [Failed] Smoke-test {test}", *("       " + d for d in detail)])
    return f"NOT PROVED: {failed[0]}\n"


class SmokeVerdict(unittest.TestCase):
    TEST = "typed_lwp_leave_locked_wp_smoke_others_remain_assumes"

    def verdict(self, text, code=1):
        return mutants.smoke_verdict(code, text, "lwp_leave_locked", "others_remain_assumes")

    def test_refuted_by_qed_or_a_prover(self):
        for detail in (["Qed: Valid (2ms)"], ["CVC4 1.8: Valid (Qed:3ms) (90ms) (14000)"],
                       ["Qed: Unknown (2ms)", "CVC4 1.8: Valid (Qed:3ms) (90ms) (14000)"]):
            self.assertEqual(self.verdict(smoke_failed(self.TEST, *detail)), "refuted", detail)

    def test_a_prover_error_is_not_a_refutation(self):
        text = smoke_failed(self.TEST, "CVC4 1.8: Failed (Qed:3ms)")
        self.assertNotEqual(self.verdict(text), "refuted")

    def test_another_smoke_test_does_not_count(self):
        text = smoke_failed(self.TEST.replace("others_remain", "last"), "Qed: Valid (2ms)")
        self.assertNotEqual(self.verdict(text), "refuted")

    def test_passed(self):
        self.assertEqual(self.verdict("Proved goals: 11 / 11\n", code=0), "passed")


class WholeGate(unittest.TestCase):
    def args(self, **given):
        base = dict(functions=None, steps=None, timeout=None, no_smoke=False, smoke_only=False)
        return argparse.Namespace(**{**base, **given})

    def test_only_a_whole_gate_of_the_tree_that_passed(self):
        self.assertTrue(prove.whole_gate(True, self.args(), prove.ROOT))
        self.assertFalse(prove.whole_gate(False, self.args(), prove.ROOT))
        self.assertFalse(prove.whole_gate(True, self.args(),
                                          prove.ROOT / "build" / "mutants" / "x"))
        for given in ({"functions": "fork1"}, {"steps": 10}, {"timeout": 5},
                      {"no_smoke": True}, {"smoke_only": True}):
            self.assertFalse(prove.whole_gate(True, self.args(**given), prove.ROOT), given)


if __name__ == "__main__":
    unittest.main()
