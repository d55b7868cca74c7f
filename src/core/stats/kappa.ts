// Cohen's κ between a rater (the verifier or the answer checker) and a human, from the estimated shares
// of the 2×2 table, with the numbers κ must be read with: how often they agree, the agreement chance
// alone gives, and the base rates (κ of a rater facing a rare class can be low while it is nearly
// always right). Definitions: docs/statistics.md, "Audit". Pure.

/** Shares of the population (summing to 1) by what the rater says × what the human says. */
export interface AgreementTable {
  bothCorrect: number;
  raterCorrectHumanIncorrect: number;
  raterIncorrectHumanCorrect: number;
  bothIncorrect: number;
}

export interface Kappa {
  /** (p_o − p_e) / (1 − p_e); null when p_e = 1 (both always say the same one thing). */
  kappa: number | null;
  /** p_o: the share where they agree, i.e. the rater's accuracy against the human. */
  agreement: number;
  /** p_e = ρπ + (1 − ρ)(1 − π): the agreement of two independent raters with these base rates. */
  chance: number;
  /** π: the share the human calls correct (the base rate). */
  prevalence: number;
  /** ρ: the share the rater calls correct. */
  raterPositive: number;
}

export function cohensKappa(p: AgreementTable): Kappa {
  const agreement = p.bothCorrect + p.bothIncorrect;
  const prevalence = p.bothCorrect + p.raterIncorrectHumanCorrect;
  const raterPositive = p.bothCorrect + p.raterCorrectHumanIncorrect;
  const chance = raterPositive * prevalence + (1 - raterPositive) * (1 - prevalence);
  return { kappa: chance === 1 ? null : (agreement - chance) / (1 - chance), agreement, chance, prevalence, raterPositive };
}
