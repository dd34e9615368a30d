-- Run once by the postgres image on an empty data folder (compose.yaml): the
-- database of Rasa's tracker store, apart from the records (Rasa creates its
-- `events` table itself on first start).
CREATE DATABASE rasa_trackers OWNER iep;
