/** A play of the simulator's ground truth (`GET /_sim/truth/plays`), as the tests read it. */
export interface TruthPlay {
  ended_at: string;
  track_uri?: string;
  in_recently_played: boolean;
  visible_at: string;
}

/** What the API shows at `t`, computed from the ground truth alone: the 50 latest visible plays. */
export function windowAt(truth: TruthPlay[], t: number): string[] {
  return truth
    .filter(
      (p) => p.in_recently_played && Date.parse(p.visible_at) <= t && Date.parse(p.ended_at) <= t,
    )
    .sort((a, b) => Date.parse(b.ended_at) - Date.parse(a.ended_at))
    .slice(0, 50)
    .map((p) => `${p.track_uri?.split(':')[2]}|${p.ended_at}`);
}
