// A safety number as people compare it: 60 digits in 12 groups of 5.
export function safetyNumberGroups(digits: string): string[] {
  if (!/^\d{60}$/.test(digits)) throw new Error('A safety number has 60 digits.');
  return Array.from({ length: 12 }, (_, index) => digits.slice(index * 5, index * 5 + 5));
}
