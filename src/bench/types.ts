export interface Figure {
  benchmark: string;
  figure: string;
  value: number;
  unit: string;
}

/** A benchmark gets a fresh temporary folder and returns named figures. */
export interface Benchmark {
  name: string;
  run: (dir: string) => Promise<Omit<Figure, 'benchmark'>[]>;
}
