import { CreateDateColumn, DeleteDateColumn, UpdateDateColumn } from 'typeorm';

/** Laravel's `timestamps()` and `softDeletes()` columns, as Blazz's tables carry them. */
export abstract class SoftDeletableEntity {
  @CreateDateColumn({ name: 'created_at', type: 'datetime' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime' })
  updatedAt!: Date;

  /** Set instead of deleting the row; TypeORM leaves such rows out of every query. */
  @DeleteDateColumn({ name: 'deleted_at', type: 'datetime' })
  deletedAt!: Date | null;
}
