/** One area of `npm run test:mutation`: the files it mutates and the test files about them. */
export interface MutationArea {
  mutate: string[];
  tests: string[];
  timeoutMS: number;
}
export declare const areas: Record<string, MutationArea>;
