import { eq, sql } from 'drizzle-orm';

import { budgetSchema, type Budget, type BudgetRepository } from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { budgets } from '../schema.js';

export class SqliteBudgetRepository implements BudgetRepository {
  /** Read at every provisioning request (the budget check): prepared once. */
  private readonly byConsumer;

  constructor(private readonly db: StorageDatabase) {
    this.byConsumer = db.select().from(budgets).where(eq(budgets.consumerId, sql.placeholder('consumerId'))).prepare();
  }

  async get(consumerId: string): Promise<Budget | undefined> {
    const row = this.byConsumer.get({ consumerId });
    return row && budgetSchema.parse(row);
  }

  async upsert(budget: Budget): Promise<Budget> {
    const { consumerId: _id, ...rest } = budget;
    this.db
      .insert(budgets)
      .values(budget)
      .onConflictDoUpdate({ target: budgets.consumerId, set: { ...rest, alertsSent: [...rest.alertsSent] } })
      .run();
    return budget;
  }

  async delete(consumerId: string): Promise<boolean> {
    return this.db.delete(budgets).where(eq(budgets.consumerId, consumerId)).run().changes > 0;
  }
}
