import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Blazz's platform-wide key/value `settings` table. */
@Entity('settings')
export class Setting {
  @PrimaryColumn({ type: 'varchar' })
  key!: string;

  @Column({ type: 'text', nullable: true })
  value!: string | null;
}
