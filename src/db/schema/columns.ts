import { integer } from "drizzle-orm/sqlite-core";

export const createdAt = () => integer("created_at").notNull();
