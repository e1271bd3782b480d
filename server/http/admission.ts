import type { NextFunction, Request, Response } from "express";

/**
 * At most `limit` requests are worked on at once; the others wait, in the order they came. The
 * embedded database is one connection that takes queries in turn: with a hundred requests in
 * flight, each query of each request waited behind a query of every other, and a request of a
 * few queries could wait over ten seconds while others were answered at once. In arrival order a
 * request waits only for those that came before it. A request given up while waiting (its
 * connection closed) is dropped from the queue.
 */
export function admitInArrivalOrder(limit: number) {
  let working = 0;
  const waiting = new Set<() => void>();
  const next = () => {
    const [first] = waiting;
    if (!first) return void working--;
    waiting.delete(first);
    first();
  };
  return (_req: Request, res: Response, proceed: NextFunction) => {
    const start = () => {
      let done = false;
      const finished = () => {
        if (done) return;
        done = true;
        next();
      };
      res.once("finish", finished);
      res.once("close", finished);
      proceed();
    };
    if (working < limit) {
      working++;
      return start();
    }
    const admit = () => {
      res.off("close", giveUp);
      start();
    };
    // A response not yet begun closes only when its connection does.
    const giveUp = () => waiting.delete(admit);
    res.once("close", giveUp);
    waiting.add(admit);
  };
}
