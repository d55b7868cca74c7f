// Live statistics add and remove task contributions many thousands of times; plain float sums would
// drift away from a fresh recomputation. Neumaier's compensated sum keeps them within a few ulps.

export class RunningSum {
  private sum = 0;
  private compensation = 0;

  add(x: number): void {
    const t = this.sum + x;
    this.compensation += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}
