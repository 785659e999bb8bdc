-- How unsure the model was about an article: the distance of its closest topic score to that topic's decision
-- threshold (0 = on the boundary), and which topic. The review queue takes the least sure first.
ALTER TABLE articles ADD COLUMN review_uncertainty real, ADD COLUMN review_topic text, ADD COLUMN review_score real;
CREATE INDEX articles_review_idx ON articles (review_uncertainty) WHERE review_uncertainty IS NOT NULL AND status = 'processed';
