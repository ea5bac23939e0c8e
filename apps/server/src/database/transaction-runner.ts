import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SerialQueue } from '../common/serial-queue';

/**
 * Runs a transaction. On SQLite every transaction shares the one connection, where a second
 * BEGIN before the first COMMIT would nest inside it, so there they run one at a time — for
 * every service that uses this runner. MySQL gives each transaction its own connection.
 */
@Injectable()
export class TransactionRunner {
  private readonly sqlite = new SerialQueue<'sqlite'>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const transaction = (): Promise<T> => this.dataSource.transaction(work);
    return this.dataSource.options.type === 'better-sqlite3'
      ? this.sqlite.run('sqlite', transaction)
      : transaction();
  }
}
